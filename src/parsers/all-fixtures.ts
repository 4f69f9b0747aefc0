/**
 * Every parser's fixtures, run by the parser contract test (parsers.contract.test.ts). A parser
 * author adds one line: the `<tool>Fixtures` export of `<tool>/fixtures/<tool>.fixtures.ts`.
 * The test looks each parser up with `getParser(fixtures.source)`, so it must be registered too.
 * Test-only code.
 */
import type { ParserFixtures } from './fixtures.js';
import { burpFixtures } from './burp/fixtures/burp.fixtures.js';
import { nessusFixtures } from './nessus/fixtures/nessus.fixtures.js';
import { offlinecsvFixtures } from './offlinecsv/fixtures/offlinecsv.fixtures.js';
import { qualysFixtures } from './qualys/fixtures/qualys.fixtures.js';
import { openvasFixtures } from './openvas/fixtures/openvas.fixtures.js';
import { nexposeFixtures } from './nexpose/fixtures/nexpose.fixtures.js';
import { zapFixtures } from './zap/fixtures/zap.fixtures.js';
import { acunetixFixtures } from './acunetix/fixtures/acunetix.fixtures.js';
import { nmapFixtures } from './nmap/fixtures/nmap.fixtures.js';
import { nucleiFixtures } from './nuclei/fixtures/nuclei.fixtures.js';
import { sarifFixtures } from './sarif/fixtures/sarif.fixtures.js';
import { niktoFixtures } from './nikto/fixtures/nikto.fixtures.js';

export const allFixtures: ParserFixtures[] = [
  nessusFixtures,
  burpFixtures,
  offlinecsvFixtures,
  qualysFixtures,
  openvasFixtures,
  nexposeFixtures,
  zapFixtures,
  acunetixFixtures,
  nmapFixtures,
  nucleiFixtures,
  sarifFixtures,
  niktoFixtures,
];

/**
 * Where a parser legitimately cannot tell another format's file from its own (it parses it
 * without error, or sniff claims it), with the reason. The contract test then only checks that
 * nothing crashes. Keep this empty unless the formats truly overlap.
 */
export interface IndistinguishableFormat {
  /** The parser under test. */
  source: string;
  /** The parser whose samples it cannot reject. */
  other: string;
  reason: string;
}

export const indistinguishableFormats: IndistinguishableFormat[] = [];
