// dist/replay.mjs: the replayer, for the collector's viewer and the tests.
export { Replayer } from './replayer.js';
