export { runChatSimulation } from './chatSimulation.ts';
export { checkInvariants, type InvariantInput, type InvariantResults } from './invariants.ts';
export { type SentMessage, SimModel } from './model.ts';
export { createRng, type Rng } from './prng.ts';
export type {
  RelayMessage,
  SimClient,
  SimMessage,
  SimOptions,
  SimReport,
  SimThreadClient,
  SimUser,
  SimWorld,
} from './types.ts';
