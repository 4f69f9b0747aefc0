/** Connector file imports in production mode: PostgreSQL server and S3 (s3rver); a large CSV. */
import { defineConnectorSuite } from './helpers/connector-suite.js';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { startTestS3, type TestS3 } from './helpers/s3.js';

let db: TestDatabase;
let s3: TestS3;
let intake: IntakeProcess | undefined;

defineConnectorSuite('connector imports: PostgreSQL server + S3 storage', {
  largeRows: 200_000,
  async setup() {
    db = await createTestDatabase();
    s3 = await startTestS3();
    intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: '/nonexistent-intake-data', ...s3.env });
    return intake;
  },
  async teardown() {
    await intake?.stop();
    await s3?.stop();
    await db?.drop();
  },
});
