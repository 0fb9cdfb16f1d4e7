/**
 * The import worker: parsing and IndexedDB writes run here so the page stays responsive. Reached
 * only through src/services/import-service.ts. The API object lives in src/storage/import-job.ts,
 * where tests call it without a Worker.
 */
import { expose } from 'comlink';
import { createImportApi } from '../src/storage/import-job';

expose(createImportApi());
