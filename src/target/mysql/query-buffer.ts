// Sends one SQL statement that is already a Buffer (InsertStatements' output) as a COM_QUERY on a mysql2
// connection, without turning it into a JS string: mysql2's query() takes only strings, formats them, and
// copies them into its own packet (a statement of S bytes cost several S of memory and hit V8's string limit).
// Invariants: the Buffer is written as the packet itself (its STATEMENT_HEADROOM bytes take the header), so
// the bytes on the wire are exactly the SQL built; the command's `sql` (on errors and in logs) is a label,
// never the data. Relies on three mysql2 internals, checked on every call: Connection.createQuery,
// addCommand and writePacket (the same ones query() uses); without them it fails loudly, never silently.

import type mysql from 'mysql2/promise';
import { MigrationError } from '../../errors.js';
import { STATEMENT_HEADROOM } from './insert-statements.js';

const COM_QUERY = 0x03;
/** Payload bytes per wire packet; a longer payload is split into packets of this size. */
const MAX_PACKET_PAYLOAD = 0xffffff;
/** Spaces a statement may get (see wirePadded): the SQL limit must leave room for them. */
export const WIRE_PADDING = 3;

/**
 * mysql2 (3.24, writePacket) splits a payload longer than 16 MiB - 1 into packets, but when the last part
 * is 1 to 3 bytes short of a full packet it sends an extra empty packet, which the server reads as the next
 * command and the client's packet sequence goes out of step (measured: "got packets out of order"). Such a
 * statement gets trailing spaces up to a whole number of packets, which mysql2 ends with the empty packet the
 * protocol wants. Rare (3 sizes in every 16 MiB); costs one copy then.
 */
function wirePadded(statement: Buffer): Buffer {
  const payload = statement.length - (STATEMENT_HEADROOM - 1);
  const short = payload > MAX_PACKET_PAYLOAD ? MAX_PACKET_PAYLOAD - (payload % MAX_PACKET_PAYLOAD) : 0;
  if (short === 0 || short > WIRE_PADDING) return statement;
  const padded = Buffer.alloc(statement.length + short, 0x20);
  statement.copy(padded);
  return padded;
}

interface WirePacket {
  readonly constructor: new (id: number, buffer: Buffer, start: number, end: number) => WirePacket;
}

interface CoreConnection {
  readonly config: unknown;
  writePacket(p: WirePacket): void;
  addCommand(cmd: QueryCommand): void;
  readonly constructor: {
    createQuery?: (
      sql: string,
      values: undefined,
      cb: (err: Error | null, result?: unknown) => void,
      config: unknown,
    ) => QueryCommand;
  };
}

interface QueryCommand {
  start: (this: QueryCommand, packet: unknown, connection: CoreConnection) => unknown;
}

/**
 * Run `statement` (STATEMENT_HEADROOM free bytes, then the SQL) on `conn`; `label` stands for the SQL in
 * errors. Resolves with the server's OK result (affectedRows, warningStatus); rejects with mysql2's error.
 */
export function queryBuffer(
  conn: mysql.Connection,
  statement: Buffer,
  label: string,
): Promise<mysql.ResultSetHeader> {
  const core = (conn as unknown as { connection?: CoreConnection }).connection;
  const createQuery = core?.constructor.createQuery;
  if (
    core === undefined ||
    typeof createQuery !== 'function' ||
    typeof core.writePacket !== 'function' ||
    typeof core.addCommand !== 'function'
  ) {
    return Promise.reject(
      new MigrationError(
        'INTERNAL',
        'This mysql2 version has no Connection.createQuery / addCommand / writePacket, which the INSERT path uses to send a statement without copying it.',
        { hint: 'Install the mysql2 version in package-lock.json (npm ci), or use --load-method load-data.' },
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const cmd = createQuery.call(
      core.constructor,
      label,
      undefined,
      (err, result) => (err ? reject(err) : resolve(result as mysql.ResultSetHeader)),
      core.config,
    );
    const start = cmd.start;
    cmd.start = function (packet, connection) {
      const write = connection.writePacket;
      // start() builds a packet for the label and writes it: write ours instead, with the same packet class.
      connection.writePacket = (labelPacket: WirePacket) => {
        connection.writePacket = write;
        const wire = wirePadded(statement);
        wire[STATEMENT_HEADROOM - 1] = COM_QUERY;
        write.call(connection, new labelPacket.constructor(0, wire, 0, wire.length));
      };
      try {
        return start.call(this, packet, connection);
      } finally {
        connection.writePacket = write;
      }
    };
    core.addCommand(cmd);
  });
}
