import { dataQueryDecider, dataQueryStreamId, evaluateRule, type DataQueryCommand, type DataQueryEvent, type DataQueryStatus } from '#domain';
import { handleCommand, START, uuidV5, type EventStore, type Position, type RecordedEvent, type Subscription } from '#event-store';
import { DataQualityFacts, type ActiveRule, type FactChange } from './data-quality-facts.js';

/** Namespace of data-query ids (UUIDv5 of rule, subject and finding key): re-evaluation finds the same query. */
const QUERY_ID_NAMESPACE = '6b2a4c1e-8f3d-4e5a-9c7b-1d2e3f4a5b6c';
/** Namespace of the monitor's command ids: the same step on the same query revision is the same command. */
const MONITOR_COMMAND_NAMESPACE = 'a41f7c2d-3b9e-4d6a-8e5f-7c1b2a3d4e5f';

export const DATA_QUALITY_MONITOR_ACTOR = { id: 'data-quality-monitor', role: 'system' } as const;

/** Rule kinds that read the scope (schedule, latest data date) and are re-run over the scope when it moves. */
const SCOPE_RULES = new Set(['visit_window', 'required_measurement', 'missing_follow_up']);
const CATEGORIES = ['subject', 'trial', 'study', 'dqrule', 'dataquery'];
const PAGE = 2_000;

export function dataQueryId(ruleId: string, subjectId: string, findingKey: string): string {
  return uuidV5(`${ruleId}\u0000${subjectId}\u0000${findingKey}`, QUERY_ID_NAMESPACE);
}

interface KnownQuery {
  readonly ruleId: string;
  readonly subjectId: string;
  status: DataQueryStatus;
  revision: bigint;
}

export interface MonitorLog {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/**
 * Evaluates data-quality rules continuously (issue 19): a process manager, not a projection. It folds the facts rules
 * read (data-quality-facts.ts) from the log, and on every relevant event re-evaluates the rules of the subject (or of
 * the scope, for a new schedule, a rule defined, changed or retired: "over history when a rule is added"), then
 * opens a data query per new finding and resolves the queries whose finding is gone — through the data-query decider
 * and the one command handler, never by writing a read model. Query ids and command ids are deterministic, so a
 * restart (which replays the log and reconciles once at the end of catch-up) or a second replica appends nothing twice.
 *
 * State is in memory and rebuilt from the log on start (no checkpoint of its own yet).
 */
export class DataQualityMonitor {
  private readonly facts = new DataQualityFacts();
  private readonly queries = new Map<string, KnownQuery>();
  /** Query ids per `ruleId|subjectId`, to find those whose finding disappeared. */
  private readonly byRuleSubject = new Map<string, Set<string>>();
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private position: Position = START;
  private caughtUp = false;

  constructor(
    private readonly store: EventStore,
    private readonly log: MonitorLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.running ??= this.run().catch((err: unknown) => this.log.error('data-quality monitor stopped', { err: (err as Error).message }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.running;
  }

  /** The position of the last event the monitor has acted on (tests and health). */
  get processed(): Position {
    return this.position;
  }

  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  /** True when the monitor has acted on every event of the streams it reads that is stored now (benches, tests). */
  async isIdle(): Promise<boolean> {
    if (!this.caughtUp) return false;
    return (await this.store.readAll({ after: this.position, maxCount: 1, filter: { streamCategories: CATEGORIES } })).length === 0;
  }

  private async run(): Promise<void> {
    // Catch-up: fold only, then reconcile every rule once over what the log holds now.
    for (;;) {
      if (this.stopped) return;
      const page = await this.store.readAll({ after: this.position, maxCount: PAGE, filter: { streamCategories: CATEGORIES } });
      for (const e of page) this.fold(e);
      if (page.length > 0) this.position = page.at(-1)!.position;
      if (page.length < PAGE) break;
    }
    for (const rule of this.facts.rules.values()) await this.evaluateRuleOverScope(rule);
    this.caughtUp = true;
    this.log.log('data-quality monitor caught up', { rules: this.facts.rules.size });
    this.subscription = this.store.subscribeToAll({ after: this.position, filter: { streamCategories: CATEGORIES } });
    for await (const e of this.subscription) {
      if (this.stopped) break;
      const change = this.fold(e);
      await this.react(change);
      this.position = e.position;
    }
  }

  private fold(e: RecordedEvent): FactChange {
    if (e.streamId.startsWith('dataquery-')) {
      this.foldQuery(e);
      return { kind: 'none' };
    }
    return this.facts.apply(e);
  }

  private foldQuery(e: RecordedEvent): void {
    const ev = { type: e.type, data: e.data } as unknown as DataQueryEvent;
    const known = this.queries.get(ev.data.queryId);
    if (ev.type === 'DataQueryOpened') {
      this.queries.set(ev.data.queryId, { ruleId: ev.data.ruleId, subjectId: ev.data.subjectId, status: 'open', revision: e.revision });
      const key = `${ev.data.ruleId}|${ev.data.subjectId}`;
      let set = this.byRuleSubject.get(key);
      if (!set) this.byRuleSubject.set(key, (set = new Set()));
      set.add(ev.data.queryId);
      return;
    }
    if (!known) return;
    known.revision = e.revision;
    switch (ev.type) {
      case 'DataQueryAnswered':
        known.status = 'answered';
        return;
      case 'DataQueryResolved':
        known.status = 'resolved';
        return;
      case 'DataQueryClosed':
        known.status = 'closed';
        return;
      case 'DataQueryReopened':
        known.status = 'open';
        return;
    }
  }

  private async react(change: FactChange): Promise<void> {
    switch (change.kind) {
      case 'none':
        return;
      case 'subject': {
        const scopeKey = this.facts.scopeKeyOfSubject(change.subjectId);
        if (scopeKey) for (const rule of this.facts.rulesOf(scopeKey)) await this.evaluate(rule, change.subjectId);
        return;
      }
      case 'scope':
        for (const rule of this.facts.rulesOf(change.scopeKey)) {
          if (SCOPE_RULES.has(rule.params.kind)) await this.evaluateRuleOverScope(rule);
          else if (change.subjectId !== null) await this.evaluate(rule, change.subjectId);
        }
        return;
      case 'rule': {
        const rule = this.facts.rules.get(change.ruleId);
        if (rule) await this.evaluateRuleOverScope(rule);
        else await this.resolveAllOf(change.ruleId, 'The rule was retired');
        return;
      }
    }
  }

  private async evaluateRuleOverScope(rule: ActiveRule): Promise<void> {
    for (const subjectId of this.facts.subjectsOf(rule.scopeKey)) await this.evaluate(rule, subjectId);
    // Subjects that left the scope's facts keep no queries of this rule open.
  }

  private async evaluate(rule: ActiveRule, subjectId: string): Promise<void> {
    const subject = this.facts.subject(subjectId);
    if (!subject) return;
    const findings = evaluateRule(rule.params, subject, this.facts.scope(rule.scopeKey));
    const found = new Set<string>();
    for (const f of findings) {
      const queryId = dataQueryId(rule.ruleId, subjectId, f.key);
      found.add(queryId);
      const known = this.queries.get(queryId);
      if (known && known.status !== 'resolved') continue;
      await this.send(queryId, known?.revision ?? -1n, {
        type: 'OpenDataQuery',
        queryId,
        trialId: rule.trialId,
        programmeId: rule.programmeId,
        ruleId: rule.ruleId,
        ruleVersion: rule.ruleVersion,
        ruleKind: rule.params.kind,
        findingKey: f.key,
        subjectId,
        siteId: subject.siteId,
        measurementId: f.measurementId,
        field: f.field,
        message: f.message,
      });
    }
    for (const queryId of this.byRuleSubject.get(`${rule.ruleId}|${subjectId}`) ?? []) {
      if (found.has(queryId)) continue;
      const known = this.queries.get(queryId)!;
      if (known.status === 'open' || known.status === 'answered')
        await this.send(queryId, known.revision, {
          type: 'ResolveDataQuery',
          queryId,
          reason: 'The finding is gone: the data were corrected or the rule changed',
        });
    }
  }

  private async resolveAllOf(ruleId: string, reason: string): Promise<void> {
    for (const [queryId, known] of this.queries)
      if (known.ruleId === ruleId && (known.status === 'open' || known.status === 'answered'))
        await this.send(queryId, known.revision, { type: 'ResolveDataQuery', queryId, reason });
  }

  /**
   * One monitor step on a query, identified by the step and the query revision the monitor last saw: until the
   * monitor sees its own event come back, repeating the step is the same command (a replay, nothing appended).
   */
  private async send(queryId: string, seenRevision: bigint, command: DataQueryCommand): Promise<void> {
    const commandId = uuidV5(`${command.type}\u0000${queryId}\u0000${seenRevision}`, MONITOR_COMMAND_NAMESPACE);
    const now = this.clock();
    try {
      await handleCommand({
        store: this.store,
        streamId: dataQueryStreamId(queryId),
        decider: dataQueryDecider,
        command,
        // The step, not its wording: a message that changed with the data is still the same step.
        fingerprint: { type: command.type, queryId, seenRevision: seenRevision.toString() },
        context: { commandId, actor: DATA_QUALITY_MONITOR_ACTOR, now },
        metadata: {
          commandId,
          actorId: DATA_QUALITY_MONITOR_ACTOR.id,
          actorRole: DATA_QUALITY_MONITOR_ACTOR.role,
          correlationId: commandId,
          causationId: commandId,
          recordedAt: now,
          ...(command.type === 'ResolveDataQuery' ? { reason: command.reason } : {}),
        },
      });
    } catch (err) {
      // The next evaluation of this subject tries again; one failing query must not stop the monitor.
      this.log.error('data-quality monitor command failed', { queryId, command: command.type, err: (err as Error).message });
    }
  }
}
