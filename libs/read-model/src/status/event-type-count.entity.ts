import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Events per type: the registry's own bookkeeping projection, shown on the status page. */
@Entity({ schema: 'read_model', name: 'event_type_counts' })
export class EventTypeCount {
  @PrimaryColumn('text', { name: 'event_type' })
  eventType!: string;

  @Column('bigint')
  count!: string;
}
