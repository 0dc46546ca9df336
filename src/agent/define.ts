/**
 * Side effects only: registers every agent element. Safe to import twice (or next to another
 * copy of the bundle): a tag that is already defined is left alone.
 */
import { UpscopeAgentHistory } from './elements/upscope-agent-history/upscope-agent-history.js';
import { UpscopeAgentConsole } from './elements/upscope-agent-console/upscope-agent-console.js';
import { UpscopeAgentLobby } from './elements/upscope-agent-lobby/upscope-agent-lobby.js';
import { UpscopeAgentLogin } from './elements/upscope-agent-login/upscope-agent-login.js';
import { UpscopeAgentWatch } from './elements/upscope-agent-watch/upscope-agent-watch.js';
import { UpscopeViewer } from './elements/upscope-viewer/upscope-viewer.js';

const elements = {
  'upscope-viewer': UpscopeViewer,
  'upscope-agent-login': UpscopeAgentLogin,
  'upscope-agent-lobby': UpscopeAgentLobby,
  'upscope-agent-console': UpscopeAgentConsole,
  'upscope-agent-watch': UpscopeAgentWatch,
  'upscope-agent-history': UpscopeAgentHistory,
} as const;

for (const [tag, ctor] of Object.entries(elements)) {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}

declare global {
  interface HTMLElementTagNameMap {
    'upscope-viewer': UpscopeViewer;
    'upscope-agent-login': UpscopeAgentLogin;
    'upscope-agent-lobby': UpscopeAgentLobby;
    'upscope-agent-console': UpscopeAgentConsole;
    'upscope-agent-watch': UpscopeAgentWatch;
    'upscope-agent-history': UpscopeAgentHistory;
  }
}
