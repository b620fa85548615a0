/** Drift: the commit a spec or plan was made from, and how far the code moved since. */
export { currentCommit, type Drift, driftSince } from './drift.js';
export { provenanceComment, readProvenance, withProvenance } from './provenance.js';
