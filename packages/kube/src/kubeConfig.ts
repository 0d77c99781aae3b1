import { KubeConfig } from '@kubernetes/client-node';

export { KubeConfig };

export interface KubeConfigSource {
  /** Path of a kubeconfig file. */
  file?: string;
  /** A kubeconfig as YAML or JSON text. */
  text?: string;
  /** Use the in-cluster service account. */
  inCluster?: boolean;
  /** Context to use instead of current-context. */
  context?: string;
}

/** Loads a kubeconfig from exactly one source; with none, from $KUBECONFIG, ~/.kube/config or in-cluster. */
export function loadKubeConfig(src: KubeConfigSource = {}): KubeConfig {
  const kc = new KubeConfig();
  const given = [src.file, src.text, src.inCluster].filter((v) => v !== undefined && v !== false).length;
  if (given > 1) throw new Error('give only one of file, text and inCluster');
  if (src.file !== undefined) kc.loadFromFile(src.file);
  else if (src.text !== undefined) kc.loadFromString(src.text);
  else if (src.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (src.context) {
    if (!kc.getContextObject(src.context))
      throw new Error(`context ${JSON.stringify(src.context)} is not in the kubeconfig`);
    kc.setCurrentContext(src.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error('the kubeconfig has no current cluster (set current-context or pass a context)');
  }
  return kc;
}
