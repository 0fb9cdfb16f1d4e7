/** Fired (bubbling, composed) by stage views when stored data changed, so the shell refreshes its stage list and storage figures. */
export const DATA_CHANGED = 'pa-data-changed';
