import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Export jobs (issue 17, `startExport` / `exportJob`): one row per job, written by the job as it runs (state,
 * rows done of total, a heartbeat), so progress is a plain read and a job whose process died is recognisable (its
 * heartbeat stops: shown as failed, restartable under the same commandId). The job id is derived from the commandId;
 * `fingerprint` is what the client asked for, so a repeat with other content is refused. The files themselves live
 * on disk (EXPORT_DIR) and are rebuilt from the snapshot if lost: the same snapshot gives the same bytes (`sha256`).
 */
export class ExportJobs1765760000000 implements MigrationInterface {
  name = 'ExportJobs1765760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE read_model.export_jobs (
        job_id text NOT NULL,
        command_id text NOT NULL,
        fingerprint jsonb NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        trial_id text,
        programme_id text,
        format text NOT NULL,
        snapshot_id text,
        content_hash text,
        state text NOT NULL,
        attempt int NOT NULL DEFAULT 1,
        rows_done int NOT NULL DEFAULT 0,
        rows_total int,
        files jsonb NOT NULL DEFAULT '[]'::jsonb,
        error_code text,
        error_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT "PK_export_jobs" PRIMARY KEY (job_id),
        CONSTRAINT "CHK_export_jobs_state" CHECK (state IN ('QUEUED', 'FREEZING', 'EXPORTING', 'SUCCEEDED', 'FAILED')),
        CONSTRAINT "CHK_export_jobs_scope" CHECK ((trial_id IS NULL) <> (programme_id IS NULL))
      )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.export_jobs`);
  }
}
