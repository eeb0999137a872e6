// Typings for the parts of `sentiment` 5 (CommonJS, no bundled types) that Parley uses.
declare module 'sentiment' {
  interface AnalysisResult {
    score: number;
    comparative: number;
    calculation: Array<Record<string, number>>;
    tokens: string[];
    words: string[];
    positive: string[];
    negative: string[];
  }
  interface AnalysisOptions {
    language?: string;
  }
  class Sentiment {
    constructor(options?: Record<string, unknown>);
    analyze(phrase: string, options?: AnalysisOptions): AnalysisResult;
  }
  export = Sentiment;
}
