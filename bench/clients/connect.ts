/** Opens a bench connection of the given server kind. */
import type { BenchConn, ConnOptions, ServerKind } from './conn.ts';
import { HocuspocusConn } from './hocuspocusConn.ts';
import { ParleyConn } from './parleyConn.ts';
import { RawConn } from './rawConn.ts';
import { YwsConn } from './ywsConn.ts';

export const connect = (kind: ServerKind, o: ConnOptions): Promise<BenchConn> => {
  switch (kind) {
    case 'parley':
      return ParleyConn.connect(o);
    case 'yws':
      return YwsConn.connect(o);
    case 'hocuspocus':
      return HocuspocusConn.connect(o);
    case 'raw':
      return RawConn.connect(o);
  }
};
