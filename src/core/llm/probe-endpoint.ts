import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type InfraKind, infraOf } from './infra-error.js';

export interface ProbeFailure {
  kind: InfraKind;
  /** One line: what the connection attempt said, and where to. */
  detail: string;
}

/**
 * Can a connection to a model endpoint be opened at all? A TCP connection to the URL's host
 * and port (TLS too for https). Used when an agent CLI only says it "cannot connect" and keeps
 * retrying: this tells a server that is not there (refused, unknown host, TLS failure — an
 * infrastructure failure) from a network hiccup. Undefined when it connects, and when the probe
 * cannot decide (a timeout is transient, not a verdict).
 */
export function probeEndpoint(url: string, timeoutMs = 5000): Promise<ProbeFailure | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ kind: 'unreachable', detail: `the base URL \`${url}\` is not a valid URL` });
  }
  const https = u.protocol === 'https:';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(u.port) || (https ? 443 : 80);
  return new Promise((resolve) => {
    const socket = https ? tlsConnect({ host, port, servername: host }) : connect({ host, port });
    const done = (v: ProbeFailure | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once(https ? 'secureConnect' : 'connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const kind = infraOf({ code: err.code, message: err.message });
      done(kind ? { kind, detail: `${err.message} (${err.code}) (${u.origin})` } : undefined);
    });
  });
}
