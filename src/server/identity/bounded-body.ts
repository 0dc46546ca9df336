/**
 * Reads a request's body as text, at most `max` bytes of it, on both hosts (host-free: a fetch
 * `Request`). A body without a Content-Length (sent chunked) says nothing of its size until its
 * end, and `arrayBuffer()` or `text()` hold all of it first: on the Cloudflare host the sign-in
 * endpoints, which read the body before any rate limit, held whatever a client sent (rt24r: an
 * endless chunked POST to /api/login was read for as long as it lasted, 96 MiB and more, in an
 * isolate of 128 MB). Past `max` this stops reading and cancels the rest.
 */
export const TOO_LARGE = 'too large';

export async function boundedText(req: Request, max: number): Promise<string | typeof TOO_LARGE> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > max) return TOO_LARGE;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Nothing more of it is read; the client is answered 413 (the host closes what it still sends).
      reader.cancel().catch(() => {});
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
