// The assist engine's own bundle (dist/upscope-assist.js): the agents' pointers and ink, remote
// control and the remote-input engine. The visitor bundles import it from beside themselves when a
// session becomes active (assist-loader.ts), as they do the capture engine.
export { VisitorAssist } from './assist.js';
