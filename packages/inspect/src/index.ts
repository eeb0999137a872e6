export { type CompactionResult, compactDocs } from './compaction.ts';
export { type ClockRange, type DocReport, inspectDoc, type RootReport } from './docReport.ts';
export { listThreadMessages, type MessageListing, type MessageQuery } from './messages.ts';
export {
  loadStoredDoc,
  pendingOf,
  requireStoredDoc,
  type StoredDoc,
  stateVectorOf,
  threadDocNames,
} from './storedDoc.ts';
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleDoc,
  exportThread,
  type ImportOptions,
  importThread,
  parseBundle,
  type ThreadBundle,
} from './threadBundle.ts';
export {
  type DocSummary,
  inspectThread,
  isoTime,
  listThreads,
  type MemberReport,
  type PageReport,
  requireThread,
  type ThreadFilter,
  type ThreadReport,
  type ThreadSummary,
} from './threads.ts';
export { type LogEntry, readUpdateLog, type UpdateLog } from './updateLog.ts';
export {
  applyAndSummarize,
  decodeUpdateFacts,
  formatUpdateSummary,
  typePath,
  type UpdateSummary,
} from './updateSummary.ts';
export { type Problem, type ProblemKind, type VerifyReport, verifyStore } from './verify.ts';
