import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The acquisition protocol in force per trial or programme (the latest version), kept by the data-quality projection. */
@Entity({ schema: 'read_model', name: 'acquisition_protocols' })
export class AcquisitionProtocolRow {
  /** trial or programme */
  @PrimaryColumn('text', { name: 'scope_kind' }) scopeKind!: string;
  @PrimaryColumn('text', { name: 'scope_id' }) scopeId!: string;
  @Column('int', { name: 'protocol_version' }) protocolVersion!: number;
  @Column('text') name!: string;
  /** AcquisitionProtocolRule[] as in the events. */
  @Column('jsonb') rules!: unknown;
  @Column('text', { name: 'change_reason', nullable: true }) changeReason!: string | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('bigint') position!: string;
}
