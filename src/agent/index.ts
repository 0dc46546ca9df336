// The agent side's public API: element classes, the watch and lobby clients, login helpers and
// event types. No side effects: importing this registers no tag (define.ts does).
export { UpscopeViewer } from './elements/upscope-viewer/upscope-viewer.js';
export { UpscopeAgentLogin } from './elements/upscope-agent-login/upscope-agent-login.js';
export { UpscopeAgentLobby } from './elements/upscope-agent-lobby/upscope-agent-lobby.js';
export { UpscopeAgentConsole } from './elements/upscope-agent-console/upscope-agent-console.js';
export { UpscopeAgentWatch } from './elements/upscope-agent-watch/upscope-agent-watch.js';
export { WatchClient, WatchStatus, CustomMessageError, type WatchClientOptions, type WatchSnapshot } from './watch-client.js';
export { LobbyClient, LookupError, sortVisitors, type LobbyClientOptions, type LobbyStatus } from './lobby-client.js';
export { FramePainter, QualityMeter, type Quality } from './frame-painter.js';
export {
  AGENT_SESSION_KEY,
  AgentLoginError,
  clearAgentSession,
  fetchAgentSession,
  loadAgentSession,
  loginAgent,
  logoutAgent,
  saveAgentSession,
  setAgentPassword,
  takeCredentialFromFragment,
  takeSignInLinkFromFragment,
  type AgentSession,
  type LoginOptions,
  type LogoutResult,
} from './agent-session.js';
export { resolveRelayAddress, type RelayAddress } from '../relay-client/relay-address.js';
export type { CustomMessageDetail, PictureSizeDetail, UnauthorizedDetail, UpscopeAgentEventMap, WatchStateDetail } from './events.js';
