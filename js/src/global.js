// Entry of the script-tag build. A second copy of the script on the page
// leaves the first, possibly recording, instance in place.

import SessionRecorder from './index.js';

if (!globalThis.SessionRecorder) globalThis.SessionRecorder = SessionRecorder;
