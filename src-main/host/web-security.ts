/**
 * The Content-Security-Policy of the UI, the same in Electron (sent by the `dvp:` protocol)
 * and in browser mode (sent by the HTTP server): only our own scripts and styles, no inline
 * script, no plugins, no framing, no form posts; frames and media come from our own origin
 * (`media/…` routes), the API from our own origin (IPC or a same-origin WebSocket).
 *
 * `'unsafe-eval'` is the one exception, for regl (the viewport): it compiles each draw
 * command's WebGL glue with `new Function`. Only our own bundled scripts can run at all
 * (no inline script, no remote origin), so eval can only be reached from our own code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every UI response carries, in both shells. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
