/** Drift: the commit a spec or plan was made from, and how far the code moved since. */
export { currentTree, type Drift, driftSince } from './drift.js';
export { provenanceComment, readProvenance, stripProvenance, withProvenance } from './provenance.js';
