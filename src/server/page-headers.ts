/**
 * What every HTML page of the relay (the console at `/agent`, the watch page at `/w/{shortId}`,
 * the demo at `/`) is sent with, on both hosts: no site may frame it, so a page elsewhere cannot
 * lay the console under its own and have an agent click through it (rt19r C1). Scripts and other
 * files are not: the widget's bundles are loaded by any site.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" };
