import { createContext } from '@lit/context';
import type { ReferenceStoreApi } from '../../contracts/reference-store';
import type { ReferenceImporterApi } from '../../services/reference-service';

/**
 * What <reference-manager> needs: the stored references (ReferenceStore, src/storage/reference-store.ts)
 * and the importer (ReferenceService, src/services/reference-service.ts). The shell provides both
 * under this context (createReferenceServices() builds the real pair); tests may set the element's
 * `services` property directly.
 */
export interface ReferenceServices {
  store: ReferenceStoreApi;
  importer: ReferenceImporterApi;
}

export const referenceServicesContext = createContext<ReferenceServices | undefined>(Symbol('reference-services'));
