import { css } from 'lit';

/** Every element that shows a state colours it through `--state-colour`, set here from the
 * theme's custom properties by the `data-state` attribute. */
export const stateColours = css`
  [data-state='up'] { --state-colour: var(--lw-up); }
  [data-state='degraded'] { --state-colour: var(--lw-degraded); }
  [data-state='down'] { --state-colour: var(--lw-down); }
  [data-state='unreachable'] { --state-colour: var(--lw-unreachable); }
  [data-state='maintenance'] { --state-colour: var(--lw-maintenance); }
  [data-state='stale'], [data-state='unknown'] { --state-colour: var(--lw-stale); }
`;
