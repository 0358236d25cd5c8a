// Reads the TLS files a connection URL names (`?sslrootcert=` / `?ssl-ca=`) for both connectors, and
// words the hint for a server certificate that verification refused. Invariant: a file that cannot be read is CONFIG_INVALID naming the URL (source/target), the parameter
// and the path, never a raw ENOENT with a stack trace; the file's content is never echoed.

import { readFileSync } from 'node:fs';
import { MigrationError } from '../errors.js';
import type { ConnectionSpec } from './urls.js';

/** The CA bundle (PEM text) named by the spec, or undefined when none is named (system CAs then). */
export function readCaFile(spec: ConnectionSpec): string | undefined {
  if (spec.caFile === undefined) return undefined;
  const role = spec.engine === 'postgresql' ? 'source' : 'target';
  try {
    return readFileSync(spec.caFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new MigrationError(
      'CONFIG_INVALID',
      `The ${role} URL's sslrootcert file "${spec.caFile}" cannot be read (${code}).`,
      {
        details: { role, file: spec.caFile, code },
        hint: 'Give the path of the CA certificate (PEM) that signed the server certificate in ?sslrootcert=, or leave the parameter out to use the system CAs.',
      },
    );
  }
}

/** Node tls / OpenSSL codes of a refused server certificate, and mysql2's wrapper code for any of them. */
const TLS_REFUSED = new Set([
  'HANDSHAKE_SSL_ERROR',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** The hint for a connection error code when it means the server certificate was refused, else undefined. */
export function tlsRefusedHint(code: string): string | undefined {
  return TLS_REFUSED.has(code)
    ? 'The server certificate was refused: ?sslrootcert= must name the CA that signed it, it must be within its dates, and under sslmode=verify-full it must name the host of the URL (an IP host needs an IP entry in subjectAltName). sslmode=verify-ca skips only the name check.'
    : undefined;
}
