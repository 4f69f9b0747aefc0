/**
 * The two files of the built-in CSV Accounts connector (docs/connector-imports.md), written
 * streaming and seeded: an Employee File (accounts) and a User Privileges File. Rows look like an
 * HR export: quoted names with commas and multi-byte letters, departments, managers; now and then
 * a row the build must reject (an email that is not one, an empty required cell) and a privilege
 * of an account the employee file does not have. Returns the metrics the build must report.
 */
import { mulberry32, pick, pickIndex } from './support/random.js';
import { renderToFile } from './support/text-sink.js';

export interface ConnectorCsvShape {
  accounts: number;
  /** Average privileges per account. */
  privilegesPerAccount: number;
  seed?: number;
}

/** What the build must report (`metrics` of the application import). */
export interface ConnectorExpected {
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  accounts: number;
  privileges: number;
  privilegesWithUnknownAccount: number;
}

export interface GeneratedConnectorCsv {
  expected: ConnectorExpected;
  employees: { path: string; bytes: number };
  privileges: { path: string; bytes: number };
}

/** One employee row in this many is invalid; one privilege in this many names an unknown account. */
const REJECT_EVERY = 997;
const UNKNOWN_ACCOUNT_EVERY = 499;

const FIRST = ['Ana', 'Björn', 'Chloé', 'Dmitri', 'Émile', 'Fatima', 'Guo', 'Hiroshi', 'Inès', 'José'];
const LAST = ['García', 'Müller', 'O\'Brien', 'Nguyễn', 'Smith', 'Kowalski', 'Dubois', 'Rossi'];
const DEPARTMENTS = ['Finance', 'Engineering', 'Sales, EMEA', 'Human Resources', 'IT "Ops"', 'Legal'];
const STATUSES = ['active', 'active', 'active', 'suspended', 'terminated'];
const PRIVILEGES = ['read', 'write', 'approve', 'admin', 'export', 'audit'];
const RESOURCES = ['ledger', 'payroll', 'crm', 'wiki', 'git', 'vpn'];

/** RFC 4180 quoting, only where a cell needs it. */
const cell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export async function generateConnectorCsv(employeesPath: string, privilegesPath: string, shape: ConnectorCsvShape): Promise<GeneratedConnectorCsv> {
  const random = mulberry32(shape.seed ?? 3);
  let rejected = 0;
  const employees = await renderToFile(employeesPath, async (sink) => {
    await sink.write('id,email,display_name,status,department,manager_id\n');
    for (let i = 1; i <= shape.accounts; i++) {
      const name = `${pick(random, LAST)}, ${pick(random, FIRST)}`;
      const invalid = i % REJECT_EVERY === 0;
      if (invalid) rejected++;
      // Invalid rows alternate between a bad email and an empty required status.
      const email = invalid && i % 2 === 0 ? 'not-an-email' : `u${i}@corp.example.com`;
      const status = invalid && i % 2 === 1 ? '' : pick(random, STATUSES);
      const manager = i > 1 ? `u${1 + pickIndex(random, i - 1)}` : '';
      await sink.write(`u${i},${email},${cell(name)},${status},${cell(pick(random, DEPARTMENTS))},${manager}\n`);
    }
    return {};
  });

  let privileges = 0;
  let unknown = 0;
  const privilegeFile = await renderToFile(privilegesPath, async (sink) => {
    await sink.write('account_id,privilege,resource\n');
    const total = Math.round(shape.accounts * shape.privilegesPerAccount);
    for (let p = 1; p <= total; p++) {
      const ghost = p % UNKNOWN_ACCOUNT_EVERY === 0;
      const account = ghost ? `ghost${p}` : `u${1 + pickIndex(random, shape.accounts)}`;
      // A privilege of a rejected employee row also names an account the build does not know.
      if (ghost || Number(account.slice(1)) % REJECT_EVERY === 0) unknown++;
      privileges++;
      await sink.write(`${account},${pick(random, PRIVILEGES)},${pick(random, RESOURCES)}\n`);
    }
    return {};
  });

  const rowsRead = shape.accounts + privileges;
  return {
    expected: {
      rowsRead,
      rowsLoaded: rowsRead - rejected,
      rowsRejected: rejected,
      accounts: shape.accounts - rejected,
      privileges,
      privilegesWithUnknownAccount: unknown,
    },
    employees: { path: employeesPath, bytes: employees.bytes },
    privileges: { path: privilegesPath, bytes: privilegeFile.bytes },
  };
}
