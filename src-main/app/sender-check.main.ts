import type { WebContents, WebFrameMain } from 'electron';
import { APP_HOST, APP_SCHEME } from './window-options.main.js';

/** An IPC message is trusted only from our window's main frame showing the app origin. */
export function isTrustedSender(sender: WebContents, frame: WebFrameMain | null, expected: WebContents | undefined): boolean {
  if (!expected || sender !== expected || !frame || frame !== sender.mainFrame) return false;
  try {
    // Compare scheme and host: Node's URL reports origin "null" for custom schemes.
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}
