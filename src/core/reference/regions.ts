/**
 * Region presets as explicit, editable lists of ISO 3166-1 alpha-2 codes.
 *
 * Basis: United Nations Statistics Division, "Standard country or area codes for statistical use
 * (M49)", geographic regions and sub-regions (https://unstats.un.org/unsd/methodology/m49/).
 * Codes are listed as M49 groups them; two deliberate, documented additions:
 * - TW is added to Eastern Asia: M49 has no separate entry for it, but the IPIP-FFM file codes it
 *   separately (remove it if your study follows M49 strictly);
 * - XK (Kosovo, a user-assigned code used by many data sets) is added to Southern Europe, where
 *   M49 counts it within Serbia.
 * Presets are data, not code: the app shows the list and lets the user save an edited copy as a
 * custom group.
 */
import { AppError } from '../errors';

export interface CountryGroup {
  id: string;
  name: string;
  /** ISO alpha-2, upper case. */
  countries: string[];
  /** Where the list comes from (shown in the UI). */
  basis: string;
}

const M49 = 'UN M49 (unstats.un.org/unsd/methodology/m49)';

const EASTERN_ASIA = ['CN', 'HK', 'MO', 'KP', 'JP', 'MN', 'KR', 'TW'];
const SOUTH_EASTERN_ASIA = ['BN', 'KH', 'ID', 'LA', 'MY', 'MM', 'PH', 'SG', 'TH', 'TL', 'VN'];
const SOUTHERN_ASIA = ['AF', 'BD', 'BT', 'IN', 'IR', 'MV', 'NP', 'PK', 'LK'];
const CENTRAL_ASIA = ['KZ', 'KG', 'TJ', 'TM', 'UZ'];
const WESTERN_ASIA = ['AM', 'AZ', 'BH', 'CY', 'GE', 'IQ', 'IL', 'JO', 'KW', 'LB', 'OM', 'QA', 'SA', 'PS', 'SY', 'TR', 'AE', 'YE'];
const NORTHERN_AMERICA = ['BM', 'CA', 'GL', 'PM', 'US'];
const NORTHERN_EUROPE = ['AX', 'DK', 'EE', 'FO', 'FI', 'GG', 'IS', 'IE', 'IM', 'JE', 'LV', 'LT', 'NO', 'SJ', 'SE', 'GB'];
const WESTERN_EUROPE = ['AT', 'BE', 'FR', 'DE', 'LI', 'LU', 'MC', 'NL', 'CH'];
const SOUTHERN_EUROPE = ['AL', 'AD', 'BA', 'HR', 'GI', 'GR', 'VA', 'IT', 'MT', 'ME', 'MK', 'PT', 'SM', 'RS', 'SI', 'ES', 'XK'];
const EASTERN_EUROPE = ['BY', 'BG', 'CZ', 'HU', 'PL', 'MD', 'RO', 'RU', 'SK', 'UA'];
const AUSTRALIA_NZ = ['AU', 'NZ', 'NF', 'CX', 'CC', 'HM'];
const MELANESIA = ['FJ', 'NC', 'PG', 'SB', 'VU'];
const MICRONESIA = ['GU', 'KI', 'MH', 'FM', 'NR', 'MP', 'PW', 'UM'];
const POLYNESIA = ['AS', 'CK', 'PF', 'NU', 'PN', 'WS', 'TK', 'TO', 'TV', 'WF'];
const CARIBBEAN = ['AI', 'AG', 'AW', 'BS', 'BB', 'BQ', 'VG', 'KY', 'CU', 'CW', 'DM', 'DO', 'GD', 'GP', 'HT', 'JM', 'MQ', 'MS', 'PR', 'BL', 'KN', 'LC', 'MF', 'VC', 'SX', 'TT', 'TC', 'VI'];
const CENTRAL_AMERICA = ['BZ', 'CR', 'SV', 'GT', 'HN', 'MX', 'NI', 'PA'];
const SOUTH_AMERICA = ['AR', 'BO', 'BV', 'BR', 'CL', 'CO', 'EC', 'FK', 'GF', 'GY', 'PY', 'PE', 'GS', 'SR', 'UY', 'VE'];
const NORTHERN_AFRICA = ['DZ', 'EG', 'LY', 'MA', 'SD', 'TN', 'EH'];
const EASTERN_AFRICA = ['IO', 'BI', 'KM', 'DJ', 'ER', 'ET', 'TF', 'KE', 'MG', 'MW', 'MU', 'YT', 'MZ', 'RE', 'RW', 'SC', 'SO', 'SS', 'UG', 'TZ', 'ZM', 'ZW'];
const MIDDLE_AFRICA = ['AO', 'CM', 'CF', 'TD', 'CG', 'CD', 'GQ', 'GA', 'ST'];
const SOUTHERN_AFRICA = ['BW', 'SZ', 'LS', 'NA', 'ZA'];
const WESTERN_AFRICA = ['BJ', 'BF', 'CV', 'CI', 'GM', 'GH', 'GN', 'GW', 'LR', 'ML', 'MR', 'NE', 'NG', 'SH', 'SN', 'SL', 'TG'];

function group(id: string, name: string, countries: string[], note = ''): CountryGroup {
  return { id, name, countries, basis: `${M49}${note ? `; ${note}` : ''}` };
}

/** Built-in presets. The paper's examples (East Asia, North America, Europe) come first. */
export const REGION_PRESETS: readonly CountryGroup[] = [
  group('east-asia', 'East Asia', EASTERN_ASIA, 'M49 "Eastern Asia", plus TW (coded separately in the IPIP-FFM file)'),
  group('north-america', 'North America', NORTHERN_AMERICA, 'M49 "Northern America" (Mexico is in Central America)'),
  group('europe', 'Europe', [...NORTHERN_EUROPE, ...WESTERN_EUROPE, ...SOUTHERN_EUROPE, ...EASTERN_EUROPE], 'M49 "Europe" (its four sub-regions), plus XK'),
  group('northern-europe', 'Northern Europe', NORTHERN_EUROPE),
  group('western-europe', 'Western Europe', WESTERN_EUROPE),
  group('southern-europe', 'Southern Europe', SOUTHERN_EUROPE, 'plus XK'),
  group('eastern-europe', 'Eastern Europe', EASTERN_EUROPE),
  group('south-eastern-asia', 'South-eastern Asia', SOUTH_EASTERN_ASIA),
  group('southern-asia', 'Southern Asia', SOUTHERN_ASIA),
  group('central-asia', 'Central Asia', CENTRAL_ASIA),
  group('western-asia', 'Western Asia', WESTERN_ASIA),
  group('australia-new-zealand', 'Australia and New Zealand', AUSTRALIA_NZ),
  group('oceania', 'Oceania', [...AUSTRALIA_NZ, ...MELANESIA, ...MICRONESIA, ...POLYNESIA]),
  group('latin-america-caribbean', 'Latin America and the Caribbean', [...CARIBBEAN, ...CENTRAL_AMERICA, ...SOUTH_AMERICA]),
  group('northern-africa', 'Northern Africa', NORTHERN_AFRICA),
  group('sub-saharan-africa', 'Sub-Saharan Africa', [...EASTERN_AFRICA, ...MIDDLE_AFRICA, ...SOUTHERN_AFRICA, ...WESTERN_AFRICA]),
  group('africa', 'Africa', [...NORTHERN_AFRICA, ...EASTERN_AFRICA, ...MIDDLE_AFRICA, ...SOUTHERN_AFRICA, ...WESTERN_AFRICA]),
];

export function regionById(id: string): CountryGroup | undefined {
  return REGION_PRESETS.find((r) => r.id === id.toLowerCase());
}

const CODE = /^[A-Z]{2}$/;

/**
 * Validates and normalises a user-defined group {id, name, countries} (the shape the app saves):
 * codes upper-cased, de-duplicated; `NONE` (unknown country in the IPIP-FFM file) is allowed.
 */
export function makeCustomGroup(id: string, name: string, countries: readonly string[]): CountryGroup {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new AppError('InputError', `Group id "${id}" must be lower-case letters, digits and dashes.`);
  if (name.trim() === '') throw new AppError('InputError', 'A country group needs a name.');
  const out: string[] = [];
  for (const raw of countries) {
    const c = raw.trim().toUpperCase();
    if (!(CODE.test(c) || c === 'NONE')) throw new AppError('InputError', `"${raw}" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. JP).`);
    if (!out.includes(c)) out.push(c);
  }
  if (out.length === 0) throw new AppError('InputError', `Group "${name}" has no countries.`);
  return { id, name: name.trim(), countries: out, basis: 'custom' };
}

/** Parses a comma list "JP,KR,CN" into validated codes. */
export function parseCountryList(text: string): string[] {
  return makeCustomGroup('list', 'list', text.split(',').filter((s) => s.trim() !== '')).countries;
}

/**
 * Single countries with at least `minRows` kept rows in an imported file, largest first
 * (`NONE` excluded: it is "unknown", not a country).
 */
export function countriesWithAtLeast(perCountry: Readonly<Record<string, number>>, minRows: number): { country: string; rows: number }[] {
  return Object.entries(perCountry)
    .filter(([c, n]) => c !== 'NONE' && n >= minRows)
    .map(([country, rows]) => ({ country, rows }))
    .sort((a, b) => b.rows - a.rows || a.country.localeCompare(b.country));
}
