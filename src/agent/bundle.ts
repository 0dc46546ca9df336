// Agent bundle entry: registers the console elements and re-exports the agent API.
import './define.js';
export * from './index.js';
