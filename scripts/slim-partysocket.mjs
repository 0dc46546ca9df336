// partysocket's ReconnectingWebSocket, slimmed for the script every visitor loads: the visitor
// bundles build with it (rollup.config.mjs), and the browser tests run with it too
// (web-test-runner.config.mjs), so what they test is the socket the bundles carry.

/**
 * Slims partysocket's ReconnectingWebSocket for the script every visitor loads. Its
 * `this._debug(...)` calls print only with its `debug` option, which relay-socket.ts never sets:
 * they are marked side-effect free, and the minifier drops them with their strings. Its warnings
 * for a missing EventTarget or WebSocket (Node set-up advice, with examples) keep their first
 * sentence. Members the relay client never uses go (class members are not tree-shaken), and so
 * does the queue of messages sent while closed, which relay-socket.ts turns off. Lines are kept,
 * so the source map still fits. A change of shape in partysocket costs bytes, or fails the build
 * where a member taken out would still be used.
 */
export function slimReconnectingSocket() {
  const keepLines = (text, short) => short + '\n'.repeat(text.split('\n').length - short.split('\n').length);
  const blank = (text) => keepLines(text, '');
  return {
    name: 'upscope-slim-reconnecting-socket',
    transform(code, id) {
      if (!/[\\/]partysocket[\\/]dist[\\/]ws\.js$/.test(id)) return null;
      const slim = code
        .replace(/\bthis\._debug\(/g, '/* @__PURE__ */ this._debug(')
        .replace(/console\.error\(`\s*(PartySocket requires a global 'EventTarget' class to be available!)(?:\\`|[^`])*`\)/, (all, first) =>
          keepLines(all, `console.error(${JSON.stringify(first)})`),
        )
        .replace(/console\.error\(`(‼️ No WebSocket implementation available\. You should define options\.WebSocket\.)(?:\\`|[^`])*`\)/, (all, first) =>
          keepLines(all, `console.error(${JSON.stringify(first)})`),
        )
        // relay-socket.ts sets `maxEnqueuedMessages: 0` (what a client sends is re-derived after a
        // reconnect): the queue stays empty, so its field, its share of `bufferedAmount`, its flush
        // on open, and send()'s path to it go. That path's one other effect, a warning for a send()
        // after close(), cannot happen: relay-socket.ts sends only while the socket is open, and its
        // pacing queue is cleared when it closes the socket.
        .replace(/\n  _(?:didWarnAboutClosedSend = false|messageQueue = \[\]);/g, blank)
        .replace(/\n    this\._didWarnAboutClosedSend = false;/, blank)
        .replace(/(\n  get bufferedAmount\(\) \{\n)[^]*?(\n  \}(?=\n))/, (all, head, tail) => head + keepLines(all.slice(head.length, all.length - tail.length), '    return this._ws ? this._ws.bufferedAmount : 0;') + tail)
        .replace(/\n    if \(this\._closeCalled && !this\._didWarnAboutClosedSend\) \{\n[^]*?\n    const \{ maxEnqueuedMessages = DEFAULT\.maxEnqueuedMessages \} = this\._options;\n    if \(this\._messageQueue\.length < maxEnqueuedMessages\) \{\n[^]*?\n    \}(?=\n    return false;)/, blank)
        .replace(/\n    this\._messageQueue\.forEach\(\(message\) => \{\n      this\._ws\?\.send\(message\);\n    \}\);\n    this\._messageQueue = \[\];/, blank)
        // Members relay-socket.ts never uses (class members are not tree-shaken): read-only getters,
        // the drain, the `on*` handler properties (it listens with addEventListener), and the
        // debug logger (every `_debug` call is dropped above).
        .replace(/\n  get (?:retryCount|extensions|protocol|url|shouldReconnect)\(\) \{\n[^]*?\n  \}(?=\n)/g, blank)
        .replace(/\n  drainQueuedMessages\(\) \{\n[^]*?\n  \}(?=\n)/, blank)
        .replace(/\n  _debug\(\.\.\.args\) \{\n[^]*?\n  \}(?=\n)/, (all) => keepLines(all, '\n  _debug() {}'))
        .replace(/\n  _debugLogger = console\.log\.bind\(console\);/, blank)
        .replace(/\n    if \(this\._options\.debugLogger\)\n      this\._debugLogger = this\._options\.debugLogger;/, blank)
        .replace(/\n  on(?:close|error|message|open) = null;/g, blank)
        .replace(/\n    if \(this\.on(close|error|message|open)\) this\.on\1\(event\);/g, blank)
        // A browser's events clone themselves (Node's and React Native's do not: not our bundles).
        .replace(/\nconst cloneEvent = isNode \|\| isReactNative \? cloneEventNode : cloneEventBrowser;/, '\nconst cloneEvent = cloneEventBrowser;')
        .replace(/\nconst (?:isNode|isReactNative) =[^;]*;/g, blank)
        // The ready-state constants as numbers (WebSocket's), without their eight getters.
        .replace(/\b(?:this|ReconnectingWebSocket)\.(CONNECTING|OPEN|CLOSING|CLOSED)\b/g, (all, name) => String(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].indexOf(name)))
        .replace(/\n  (?:static )?get (?:CONNECTING|OPEN|CLOSING|CLOSED)\(\) \{\n    return \d;\n  \}/g, blank)
        // relay-socket.ts gives a URL string and no protocols: neither is a provider to call.
        .replace(/\n  _getNext(?:Protocols|Url)\([a-zA-Z]+\) \{\n[^]*?\n  \}(?=\n)/g, blank)
        .replace(/Promise\.all\(\[\n(\s*)this\._getNextUrl\(this\._url\),\n\s*this\._getNextProtocols\(this\._protocols \|\| null\)\n(\s*)\]\)/, (all) =>
          keepLines(all, '[this._url, this._protocols || null]'),
        );
      // What is taken out must not be used any more: a change of shape in partysocket fails here.
      const left = /this\._getNext(?:Url|Protocols)\(|\.(?:CONNECTING|OPEN|CLOSING|CLOSED)\b|_debugLogger|_messageQueue|_didWarnAboutClosedSend|this\.on(?:open|close|error|message)\b|\bis(?:Node|ReactNative)\b/.exec(slim);
      if (left) throw new Error(`${id}: slimReconnectingSocket (scripts/slim-partysocket.mjs) left a use of ${left[0]}; update it for this partysocket`);
      return { code: slim, map: null };
    },
  };
}
