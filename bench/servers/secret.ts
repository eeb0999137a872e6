/** The HMAC secret shared by the bench's Parley relay and its clients (loopback only). */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret';
