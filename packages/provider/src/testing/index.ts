// The provider's test support, kept out of the production entry point: import it from
// '@klutch/provider/testing' (other packages) or './testing/index.js' (this package's tests).
export * from './providerCluster.js';
