/** PlexTrac's shapes of questionnaires and client assessments. */
import type { AssessmentRow, QuestionnaireRow } from '../../db/repositories/assessments.repository.js';

export function questionnaireView(q: QuestionnaireRow) {
  return {
    questionnaire_id: q.id,
    assessment_title: q.title,
    framework_id: q.framework_id,
    tenant_id: q.tenant_id,
    doc_type: 'questionnaire',
    questions_count: q.questions.length,
    questions: q.questions,
    createdAt: q.created_at.getTime(),
    updatedAt: q.updated_at.getTime(),
  };
}

/** Without `questions` and `answers`: the rows of a client's assessment list. */
export function assessmentSummaryView(a: AssessmentRow) {
  return {
    doc_type: 'assessment',
    doc_id: `assessment_${a.id}_tenant_${a.tenant_id}_client_${a.client_id}`,
    tenant_id: a.tenant_id,
    client_id: a.client_id,
    client_name: a.client_name,
    assess_id: a.id,
    questionnaire_id: a.questionnaire_id,
    assessment_title: a.title,
    status: a.completed_at ? 'Completed' : 'In Process',
    saveOnly: a.completed_at === null,
    assessment_date: a.created_at.getTime(),
    saved_at: a.updated_at.getTime(),
    last_updated_by: a.updated_by,
    // PlexTrac: the member is present only once the assessment is completed.
    ...(a.completed_at ? { completed_at: a.completed_at.getTime() } : {}),
    has_reviewers: false,
    reviewers: [] as unknown[],
    all_approved: false,
  };
}

export function assessmentView(a: AssessmentRow) {
  return { ...assessmentSummaryView(a), questions: a.questions, answers: a.answers };
}
