// Presentations and their events (REP-6): what the live service writes and the reports read.
import type { PresentationEventKind } from '../../protocol/presentations.ts';

export interface PresentationRecord {
  id: string;
  name: string;
  presenterUserId: number;
  presenterName: string;
  listed: boolean;
  publicIp: string;
  privateIp: string;
  /** POR-7: the attendees' chat banner this presentation started with (null = the default). */
  banner: string | null;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface PresentationEventRecord {
  presentationId: string;
  seq: number;
  at: string;
  kind: PresentationEventKind;
  actorKind: 'presenter' | 'attendee' | 'system';
  actorName: string;
  attendeeId: string | null;
  address: string | null;
  text: string | null;
  reason: string | null;
}

export interface PresentationReportFilter {
  startedFrom?: string;
  startedBefore?: string;
}

export interface PresentationsStore {
  insertPresentation(p: PresentationRecord): Promise<void>;
  endPresentation(id: string, endedAt: string, reason: string): Promise<void>;
  getPresentation(id: string): Promise<PresentationRecord | undefined>;
  /** Newest first. */
  listPresentations(filter: PresentationReportFilter, limit: number, offset: number): Promise<(PresentationRecord & { attendeeCount: number })[]>;
  /** Presentations a crash left without an end. */
  listRunningPresentations(): Promise<PresentationRecord[]>;
  insertPresentationEvent(e: PresentationEventRecord): Promise<void>;
  listPresentationEvents(id: string): Promise<PresentationEventRecord[]>;
}
