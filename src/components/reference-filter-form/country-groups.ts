/**
 * The user's saved country groups, in localStorage (small, per origin, survives reloads). Each is
 * validated with makeCustomGroup on load, so a hand-edited or stale entry is skipped, not trusted.
 */
import { makeCustomGroup, type CountryGroup } from '../../core/reference/regions';

export const CUSTOM_GROUPS_KEY = 'persona-align/country-groups';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // some privacy settings throw on access
  }
}

export function loadCustomGroups(): CountryGroup[] {
  const raw = storage()?.getItem(CUSTOM_GROUPS_KEY);
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: CountryGroup[] = [];
  for (const g of parsed) {
    if (typeof g !== 'object' || g === null) continue;
    const o = g as Record<string, unknown>;
    if (typeof o.id !== 'string' || typeof o.name !== 'string' || !Array.isArray(o.countries)) continue;
    try {
      out.push(makeCustomGroup(o.id, o.name, o.countries.filter((c): c is string => typeof c === 'string')));
    } catch {
      // invalid entry: skip it
    }
  }
  return out;
}

/** A group id from its name: "My Asia 2" → "custom-my-asia-2". */
export function groupIdFor(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `custom-${slug || 'group'}`;
}

/** Saves (or replaces, same id) a group; returns the stored list. Throws InputError on bad codes. */
export function saveCustomGroup(name: string, countries: readonly string[]): CountryGroup[] {
  const group = makeCustomGroup(groupIdFor(name), name, countries);
  const list = loadCustomGroups().filter((g) => g.id !== group.id);
  list.push(group);
  storage()?.setItem(CUSTOM_GROUPS_KEY, JSON.stringify(list));
  return list;
}

export function deleteCustomGroup(id: string): CountryGroup[] {
  const list = loadCustomGroups().filter((g) => g.id !== id);
  storage()?.setItem(CUSTOM_GROUPS_KEY, JSON.stringify(list));
  return list;
}
