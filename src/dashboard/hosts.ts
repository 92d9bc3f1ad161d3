/**
 * Which `Host` (and so which `Origin`) the dashboard answers to: the DNS-rebinding guard. A page
 * is only served when the browser reached it by one of the dashboard's own names, so a hostile
 * site whose DNS name is re-pointed at 127.0.0.1 gets 421, never a page.
 *
 * The names are what the server is really reached by: on loopback `localhost`, `127.0.0.1` and
 * `[::1]`; on a wildcard address (`0.0.0.0`, `::`) also the machine's host name and every address
 * of its network interfaces; on one address that address; plus any names the operator lists
 * (`DASHBOARD_ALLOWED_HOSTS`, e.g. a reverse proxy's name). Pure except for the interface lookup,
 * which is injectable.
 */
import os from 'node:os';
import net from 'node:net';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

export interface HostPolicyInput {
  /** The address the server listens on, e.g. 127.0.0.1, 0.0.0.0, ::, 192.168.1.20. */
  bindHost: string;
  /** The port it listens on. */
  port: number;
  /** More names (or name:port) it answers to, from DASHBOARD_ALLOWED_HOSTS. */
  extraHosts?: readonly string[];
  /** Defaults: os.networkInterfaces and os.hostname. */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  hostname?: () => string;
}

/** `[…]` around IPv6 addresses, lower case: how a name appears in a Host header. */
export function hostPart(host: string): string {
  const h = host.toLowerCase();
  return net.isIPv6(h) ? `[${h}]` : h;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (net.isIPv4(h) && h.startsWith('127.'));
}

/**
 * The Host header values (name:port, lower case) the dashboard accepts. Link-local IPv6 addresses
 * are left out (a browser cannot put their zone id in a Host header).
 */
export function allowedHosts(input: HostPolicyInput): string[] {
  const names: string[] = [];
  const bind = input.bindHost.trim();
  if (WILDCARDS.has(bind)) {
    names.push(...LOOPBACK_NAMES);
    const hostname = (input.hostname ?? os.hostname)().trim();
    if (hostname) names.push(hostname);
    const interfaces = (input.networkInterfaces ?? os.networkInterfaces)();
    for (const list of Object.values(interfaces)) {
      for (const a of list ?? []) {
        if (a.family === 'IPv6' && (a.scopeid ?? 0) !== 0) continue;
        if (a.family === 'IPv6' && /^fe80:/i.test(a.address)) continue;
        names.push(a.address);
      }
    }
  } else {
    names.push(bind);
    if (isLoopback(bind)) names.push(...LOOPBACK_NAMES);
  }
  const out = names.map((n) => `${hostPart(n)}:${input.port}`);
  for (const extra of input.extraHosts ?? []) out.push(/:\d+$/.test(extra) && !net.isIPv6(extra) ? extra.toLowerCase() : `${hostPart(extra)}:${input.port}`);
  return [...new Set(out)];
}

/** Whether a request's Host header is one of `allowed` (a Host without a port means port 80). */
export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (!hostHeader) return false;
  const h = hostHeader.trim().toLowerCase();
  const hasPort = h.startsWith('[') ? /\]:\d+$/.test(h) : /:\d+$/.test(h);
  const withPort = hasPort ? h : `${h}:80`;
  return allowed.has(withPort);
}

/**
 * Whether a POST may act: its Origin must be the page's own (same scheme-less host as the Host
 * header, which `hostAllowed` has already checked). A request without Origin is accepted only from
 * a client that authenticated with a Bearer header: browsers always send Origin on form posts and
 * cannot add Authorization by themselves.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, bearer: boolean): boolean {
  if (origin === undefined || origin === '') return bearer;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return u.host.toLowerCase() === (hostHeader ?? '').trim().toLowerCase();
}

/**
 * Parses DASHBOARD_ALLOWED_HOSTS: comma-separated host names or addresses, each optionally with
 * `:port`. Throws a one-line message naming the variable, the bad entry and what is accepted.
 */
export function parseAllowedHosts(raw: string | undefined, variable = 'DASHBOARD_ALLOWED_HOSTS'): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(entry);
    const name = m?.[1]?.replace(/^\[|\]$/g, '') ?? '';
    const port = m?.[2] === undefined ? null : Number(m[2]);
    const nameOk = net.isIP(name) !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(name);
    if (!m || !nameOk || (port !== null && (port < 1 || port > 65535))) {
      throw new Error(`${variable}: ${JSON.stringify(entry)} is not a host name or address; accepted: names such as lanterne.home or 192.168.1.20, optionally with :port, separated by commas`);
    }
    out.push(port === null ? name : `${hostPart(name)}:${port}`);
  }
  return out;
}
