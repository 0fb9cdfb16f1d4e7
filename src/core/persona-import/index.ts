/**
 * Persona import: persona files the user brought (PersonaHub, Nemotron-Personas, TinyTroupe, OASIS,
 * this app's own JSONL and exports, any JSONL/JSON/CSV/TSV/Parquet) → PersonaRecords with source
 * {kind: 'imported'}. Pure TypeScript, streaming, the same in Node, workers and the page.
 *
 *   const preview = await previewPersonaFile(file);               // fields, first rows, suggested mapping
 *   for await (const batch of readPersonaRecords(file, { mapping: preview.suggested.mapping })) …
 */
export * from './types';
export { detectFormat, isParquetMagic, isPersonaFileFormat, PERSONA_EXTENSIONS } from './detect';
export { getField, renderValue, fieldPaths, isBlank, type RawRecord } from './fields';
export { PersonaRowMapper, personaText, normaliseTrait, generatedPersonaId, checkMapping } from './mapper';
export { presetMapping, mappingForFields, genericMapping, suggestPreset, mappedFields } from './presets';
export { readPersonaRecords, collectPersonaRecords, blobSource, importedSource } from './read';
export { previewPersonaFile } from './preview';
export { alignedName, exportBack, SELECTED_FIELD, WEIGHT_FIELD, type ExportBackOptions, type ExportBackResult } from './export-back';
export { exportRecordsAs, recordInLayout, splitPersonaText, denormaliseTrait } from './export-records';
