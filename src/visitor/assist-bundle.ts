// The assist engine's own bundle (dist/upscope-assist.js): the agents' pointers and ink, remote
// control and the remote-input engine. The visitor bundles import it from beside themselves when a
// session becomes active (assist-loader.ts), as they do the capture engine.
export { VisitorAssist } from './assist.js';
// The first script holds assist messages unchecked; they are checked with these before the engine acts.
export { checkAssistMessage } from '../protocol/visitor-inbox-assist.js';
