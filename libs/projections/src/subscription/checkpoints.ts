import { START, type Position } from '#event-store';
import type { EntityManager } from 'typeorm';

export interface CheckpointRow {
  version: number;
  commit_position: string | null;
  prepare_position: string | null;
  state: string;
}

export function toPosition(row: { commit_position: string | null; prepare_position: string | null }): Position {
  return row.prepare_position === null || row.commit_position === null ? START : { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
}

export function positionParams(p: Position): [string | null, string | null] {
  return p.prepare < 0n ? [null, null] : [p.commit.toString(), p.prepare.toString()];
}

export function samePosition(a: Position, b: Position): boolean {
  return a.commit === b.commit && a.prepare === b.prepare;
}

/** The live checkpoint of a projection, locked for the rest of the transaction (one writer per projection). */
export async function lockLiveCheckpoint(manager: EntityManager, name: string): Promise<CheckpointRow | undefined> {
  const rows = (await manager.query(
    `SELECT version, commit_position::text, prepare_position::text, state
       FROM read_model.projection_checkpoints WHERE name = $1 AND live FOR UPDATE`,
    [name],
  )) as CheckpointRow[];
  return rows[0];
}

/** Makes (name, version) the one live checkpoint of `name`, at `position`, running. */
export async function replaceLiveCheckpoint(manager: EntityManager, name: string, version: number, position: Position): Promise<void> {
  await manager.query(`DELETE FROM read_model.projection_checkpoints WHERE name = $1`, [name]);
  await manager.query(
    `INSERT INTO read_model.projection_checkpoints (name, version, commit_position, prepare_position, state, live, updated_at)
     VALUES ($1, $2, $3, $4, 'running', true, now())`,
    [name, version, ...positionParams(position)],
  );
}
