// Public API of the visitor package. No side effects: elements are registered by define.ts.
export { Upscope } from './upscope.js';
export type { CaptureFactory, ConnectionIdentity, ConsentHandler, ConsentRequest, CustomMessage } from './upscope.js';
export { UpscopeError } from '../relay-client/errors.js';
export { DEFAULTS, type UpscopeOptions } from './options.js';
export { Stream, StateStream, type Unsubscribe } from './stream.js';
export type { CaptureController, CaptureHost } from '../capture/capture-host.js';
export {
  ConnectionState,
  EndReason,
  ErrorCode,
  ErrorRef,
  MAX_CUSTOM_MESSAGE_LENGTH,
  MAX_QUEUED_MESSAGES,
  SessionState,
  type Observer,
} from '../protocol/index.js';
export { UpscopeWidget, type WidgetPosition, type WidgetView } from './elements/upscope-widget/upscope-widget.js';
export { UpscopeMasked } from './elements/upscope-masked/upscope-masked.js';
// The capture engine is not part of this entry, so that the visitor bundles stay small: it is
// `upscope-widget/capture` (dist/upscope-capture.js), loaded by the bundles when a session starts.
export type { CaptureOptions, FrameStats, MaskRect } from '../capture/index.js';
export type * from './events.js';
