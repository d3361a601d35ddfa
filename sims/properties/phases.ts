/** Conducting sets whose tortuosity is computed. */
export const TRANSPORT_PHASES = ['pore', 'electrolyte', 'solid'] as const;
export type TransportPhase = (typeof TRANSPORT_PHASES)[number];

/** Phases whose connectivity is reported: the labels and the two conducting unions. */
export const CONNECTIVITY_PHASES = ['pore', 'am', 'cbd', 'electrolyte', 'solid'] as const;
export type ConnectivityPhase = (typeof CONNECTIVITY_PHASES)[number];
