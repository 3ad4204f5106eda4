import type { AlgorithmRecord, BiomarkerRecord } from '#read-model';
import type { RecordedEvent } from '#event-store';
import type { AlgorithmEvent, BiomarkerEvent, BiomarkerSpec } from '#domain';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';
import { isoTime, loadRows, upsertRows } from './sql.js';
import { columnsOf, AlgorithmVersionRow, BiomarkerRow, BiomarkerVersionRow } from '#read-model';

const BIOMARKER_COLUMNS = columnsOf(BiomarkerRow);
const VERSION_COLUMNS = columnsOf(BiomarkerVersionRow);
const ALGORITHM_COLUMNS = columnsOf(AlgorithmVersionRow);

function specColumns(spec: BiomarkerSpec) {
  const v = spec.valueType;
  return {
    name: spec.name,
    description: spec.description,
    modality: spec.modality,
    body_site: spec.bodySite,
    value_kind: v.kind,
    unit: v.kind === 'quantitative' ? v.unit : null,
    plausible_min: v.kind === 'quantitative' ? v.plausibleRange.min : null,
    plausible_max: v.kind === 'quantitative' ? v.plausibleRange.max : null,
    categories: v.kind === 'categorical' ? [...v.categories] : null,
    repeatability_wcv: spec.repeatabilityWcv,
    // Events from before coded concepts existed carry none (the column's default, so no rebuild is needed).
    coded_concepts: (spec.codedConcepts ?? []).map(({ scheme, value, meaning }) => ({ scheme, value, meaning })),
  };
}

function specOf(d: BiomarkerSpec): BiomarkerSpec {
  return {
    name: d.name,
    description: d.description,
    modality: d.modality,
    bodySite: d.bodySite,
    valueType: d.valueType,
    repeatabilityWcv: d.repeatabilityWcv,
    codedConcepts: d.codedConcepts ?? [],
  };
}

const idOf = (streamId: string): string => streamId.slice(streamId.indexOf('-') + 1);

/** The biomarker catalogue and the AI algorithm registry (with lineage). Rare events: clarity over batching tricks. */
export class CatalogueProjection implements Projection {
  readonly name = 'catalogue';
  readonly version = 1;
  readonly filter = { streamCategories: ['biomarker', 'algorithm'] };
  readonly tables = ['biomarkers', 'biomarker_versions', 'algorithm_versions'];

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema }: ProjectionTarget): Promise<void> {
    const relevant = events.filter((e) => e.streamId.startsWith('biomarker-') || e.streamId.startsWith('algorithm-'));
    if (relevant.length === 0) return;
    const biomarkerIds = [...new Set(relevant.filter((e) => e.streamId.startsWith('biomarker-')).map((e) => idOf(e.streamId)))];
    const algorithmIds = new Set(relevant.filter((e) => e.streamId.startsWith('algorithm-')).map((e) => idOf(e.streamId)));
    for (const e of relevant) {
      const d = e.data as { predecessorVersionId?: string | null };
      if (e.type === 'AlgorithmVersionRegistered' && d.predecessorVersionId) algorithmIds.add(d.predecessorVersionId);
    }
    const biomarkers = new Map(
      (await loadRows<BiomarkerRecord<string>>(manager, `${schema}.biomarkers`, 'biomarker_id', biomarkerIds)).map((r) => [r.biomarker_id, r]),
    );
    const algorithms = new Map(
      (await loadRows<AlgorithmRecord<string>>(manager, `${schema}.algorithm_versions`, 'algorithm_version_id', [...algorithmIds])).map((r) => [
        r.algorithm_version_id,
        r,
      ]),
    );
    const changedBiomarkers = new Map<string, BiomarkerRecord<string>>();
    const changedAlgorithms = new Map<string, AlgorithmRecord<string>>();
    const versions: object[] = [];

    for (const e of relevant) {
      const id = idOf(e.streamId);
      const at = isoTime(e.recordedAt);
      if (e.streamId.startsWith('biomarker-')) {
        const current = biomarkers.get(id);
        if (current && BigInt(current.last_revision) >= e.revision) continue;
        const ev = { type: e.type, data: e.data } as unknown as BiomarkerEvent;
        let next: BiomarkerRecord<string> | undefined;
        if (ev.type === 'BiomarkerDefined') {
          const d = ev.data;
          next = {
            biomarker_id: id,
            code: d.code,
            ...specColumns(d),
            version: d.version,
            status: 'active',
            retired_reason: null,
            defined_at: isoTime(d.definedAt),
            position: e.position.prepare.toString(),
            last_revision: '',
            updated_at: at,
          };
          versions.push({ biomarker_id: id, version: d.version, spec: specOf(d), reason: null, recorded_at: at });
        } else if (current && ev.type === 'BiomarkerRevised') {
          next = { ...current, ...specColumns(ev.data), version: ev.data.version };
          versions.push({ biomarker_id: id, version: ev.data.version, spec: specOf(ev.data), reason: ev.data.reason, recorded_at: at });
        } else if (current && ev.type === 'BiomarkerRetired') {
          next = { ...current, status: 'retired', retired_reason: ev.data.reason };
        }
        if (!next) continue;
        next = { ...next, last_revision: e.revision.toString(), updated_at: at };
        biomarkers.set(id, next);
        changedBiomarkers.set(id, next);
      } else {
        const current = algorithms.get(id);
        if (current && BigInt(current.last_revision) >= e.revision) continue;
        const ev = { type: e.type, data: e.data } as unknown as AlgorithmEvent;
        let next: AlgorithmRecord<string> | undefined;
        if (ev.type === 'AlgorithmVersionRegistered') {
          const d = ev.data;
          const predecessor = d.predecessorVersionId ? algorithms.get(d.predecessorVersionId) : undefined;
          next = {
            algorithm_version_id: id,
            manufacturer: d.manufacturer,
            name: d.name,
            version: d.version,
            intended_use: d.intendedUse,
            regulatory: d.regulatory,
            biomarker_ids: [...d.biomarkerIds],
            predecessor_id: d.predecessorVersionId,
            score_range: d.scoreRange ?? null,
            lineage: [...(predecessor?.lineage ?? (d.predecessorVersionId ? [d.predecessorVersionId] : [])), id],
            status: 'active',
            status_reason: null,
            registered_at: isoTime(d.registeredAt),
            position: e.position.prepare.toString(),
            last_revision: '',
            updated_at: at,
          };
        } else if (current && ev.type === 'AlgorithmVersionSuspended') {
          next = { ...current, status: 'suspended', status_reason: ev.data.reason };
        } else if (current && ev.type === 'AlgorithmVersionReinstated') {
          next = { ...current, status: 'active', status_reason: ev.data.reason };
        } else if (current && ev.type === 'AlgorithmVersionWithdrawn') {
          next = { ...current, status: 'withdrawn', status_reason: ev.data.reason };
        }
        if (!next) continue;
        next = { ...next, last_revision: e.revision.toString(), updated_at: at };
        algorithms.set(id, next);
        changedAlgorithms.set(id, next);
      }
    }
    await upsertRows(manager, `${schema}.biomarkers`, [...changedBiomarkers.values()], ['biomarker_id'], BIOMARKER_COLUMNS);
    await upsertRows(manager, `${schema}.biomarker_versions`, versions, ['biomarker_id', 'version'], VERSION_COLUMNS, 'nothing');
    await upsertRows(manager, `${schema}.algorithm_versions`, [...changedAlgorithms.values()], ['algorithm_version_id'], ALGORITHM_COLUMNS);
  }
}
