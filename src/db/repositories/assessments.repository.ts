/** Questionnaires and client assessments, scoped by tenant (and client). */
import type { Queryable } from '../pool.js';
import type { Answer, Question } from '../../content/assessment-input.js';

export interface QuestionnaireRow {
  id: number;
  tenant_id: number;
  title: string;
  framework_id: string;
  questions: Question[];
  created_at: Date;
  updated_at: Date;
}

export interface AssessmentRow {
  id: number;
  tenant_id: number;
  client_id: number;
  client_name: string;
  questionnaire_id: number;
  title: string;
  questions: Question[];
  answers: Answer[];
  completed_at: Date | null;
  created_by: number | null;
  updated_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertQuestionnaire(
  db: Queryable,
  q: { tenantId: number; title: string; frameworkId: string; questions: Question[]; createdBy: number },
): Promise<QuestionnaireRow> {
  const { rows } = await db.query(
    'INSERT INTO questionnaires (tenant_id, title, framework_id, questions, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [q.tenantId, q.title, q.frameworkId, JSON.stringify(q.questions), q.createdBy],
  );
  return rows[0];
}

export async function getQuestionnaire(db: Queryable, tenantId: number, id: number): Promise<QuestionnaireRow | null> {
  const { rows } = await db.query('SELECT * FROM questionnaires WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return rows[0] ?? null;
}

export async function listQuestionnaires(db: Queryable, tenantId: number): Promise<QuestionnaireRow[]> {
  const { rows } = await db.query('SELECT * FROM questionnaires WHERE tenant_id = $1 ORDER BY id', [tenantId]);
  return rows;
}

export async function appendQuestion(db: Queryable, tenantId: number, id: number, question: Question): Promise<QuestionnaireRow | null> {
  const { rows } = await db.query(
    `UPDATE questionnaires SET questions = questions || jsonb_build_array($3::jsonb), updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, JSON.stringify(question)],
  );
  return rows[0] ?? null;
}

const ASSESSMENT_COLUMNS = 'a.*, c.name AS client_name FROM client_assessments a JOIN clients c ON c.id = a.client_id';

export async function insertAssessment(
  db: Queryable,
  a: { tenantId: number; clientId: number; questionnaireId: number; title: string; questions: Question[]; answers: Answer[]; completed: boolean; userId: number },
): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO client_assessments (tenant_id, client_id, questionnaire_id, title, questions, answers, completed_at, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END, $8, $8) RETURNING id`,
    [a.tenantId, a.clientId, a.questionnaireId, a.title, JSON.stringify(a.questions), JSON.stringify(a.answers), a.completed, a.userId],
  );
  return rows[0].id;
}

export async function getAssessment(db: Queryable, tenantId: number, clientId: number, id: number): Promise<AssessmentRow | null> {
  const { rows } = await db.query(`SELECT ${ASSESSMENT_COLUMNS} WHERE a.tenant_id = $1 AND a.client_id = $2 AND a.id = $3`, [tenantId, clientId, id]);
  return rows[0] ?? null;
}

export async function listAssessments(db: Queryable, tenantId: number, clientId: number): Promise<AssessmentRow[]> {
  const { rows } = await db.query(`SELECT ${ASSESSMENT_COLUMNS} WHERE a.tenant_id = $1 AND a.client_id = $2 ORDER BY a.id`, [tenantId, clientId]);
  return rows;
}

/** Saves an In Process assessment's answers; completes it when asked. False when it is not In Process. */
export async function saveAssessment(
  db: Queryable,
  a: { tenantId: number; clientId: number; id: number; title: string; answers: Answer[]; complete: boolean; userId: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE client_assessments SET title = $4, answers = $5, completed_at = CASE WHEN $6 THEN now() END, updated_by = $7, updated_at = now()
      WHERE tenant_id = $1 AND client_id = $2 AND id = $3 AND completed_at IS NULL`,
    [a.tenantId, a.clientId, a.id, a.title, JSON.stringify(a.answers), a.complete, a.userId],
  );
  return (rowCount ?? 0) > 0;
}
