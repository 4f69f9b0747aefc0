/**
 * Who may use the write routes of the content API (uploads, findings, writeups, parser actions,
 * assessments): every route of those plugins already requires an authenticated caller; write
 * routes add these preHandlers on top: ADMIN and ANALYST may write, READ_ONLY may only read.
 * One place, so that the rule is the same for all of them.
 */
import { requireWrite, type PreHandler } from './auth.js';

export const writeAccess: PreHandler[] = [requireWrite];
