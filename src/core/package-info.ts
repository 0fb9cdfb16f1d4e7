/**
 * The app's name and version, and the declared versions of the libraries it runs on, for every run
 * manifest (Align, Target, the pipeline CLI). Declared ranges from package.json: the committed
 * package-lock.json pins the exact builds (`npm ci`), so name + version + these identify a build.
 */
import pkg from '../../package.json';

export const APP_INFO: { name: string; version: string } = { name: pkg.name, version: pkg.version };

/** Runtime libraries (package.json `dependencies`) by name → declared version range. */
export const PACKAGE_VERSIONS: Readonly<Record<string, string>> = { ...(pkg as { dependencies?: Record<string, string> }).dependencies };
