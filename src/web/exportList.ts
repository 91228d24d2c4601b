// Exports of a list, streamed one batch of rows at a time with back-pressure: a download of
// 100,000 records holds one batch in memory, whatever the speed of the client.
import type { Response } from 'express';
import type { KindDef } from '../crds';
import { presentRecord, type RecordRow } from '../records/listRecords';
import { manifestYaml } from '../records/manifest';
import type { ExportFormat, ListSpec } from './listView';
import { recordCells } from './lists/recordList';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  yaml: 'application/yaml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** One CSV line (RFC 4180 quoting). Text that a spreadsheet would run as a formula gets a leading `'`. */
export function csvLine(values: (string | number | null | undefined)[]): string {
  return (
    values
      .map((v) => {
        if (v === null || v === undefined) return '';
        if (typeof v === 'number') return String(v);
        const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}

/** A file name safe for Content-Disposition: letters, digits, dot, dash and underscore. */
export function downloadName(parts: (string | undefined)[], format: ExportFormat): string {
  const base =
    parts
      .filter(Boolean)
      .join('-')
      .replace(/[^\w.-]+/g, '_')
      .slice(0, 100) || 'export';
  return `${base}.${format}`;
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Sends `chunks` as a download, waiting for the client whenever its buffer is full. */
export async function streamDownload(
  res: Response,
  props: { format: ExportFormat; filename: string; chunks: AsyncIterable<string> },
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[props.format]);
  res.setHeader('Content-Disposition', `attachment; filename="${props.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  for await (const chunk of props.chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

/** The text of a records export, batch by batch: CSV of the list's columns, multi-document YAML manifests, or a JSON array of API records. */
export async function* recordExportChunks(
  format: ExportFormat,
  spec: ListSpec,
  kind: KindDef | undefined,
  batches: AsyncIterable<RecordRow[]>,
): AsyncGenerator<string> {
  let first = true;
  if (format === 'csv') yield csvLine(spec.columns.map((c) => c.label));
  if (format === 'json') yield '[';
  for await (const rows of batches) {
    if (format === 'csv') {
      yield rows
        .map((r) => recordCells(r, kind))
        .map((cells) => csvLine(spec.columns.map((c) => cells[c.key]?.text)))
        .join('');
    } else if (format === 'yaml') {
      yield rows.map((r) => `---\n${manifestYaml(r)}`).join('');
    } else if (rows.length) {
      yield (first ? '\n' : ',\n') + rows.map((r) => JSON.stringify(presentRecord(r))).join(',\n');
      first = false;
    }
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
