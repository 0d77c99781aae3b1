import { enumOf, object, required, string } from '../schema/builders.js';

const kubeconfigKey = enumOf(['kubeconfig'], {
  description: 'Key of the kubeconfig in the Secret data; always kubeconfig.',
});

/** A kubeconfig Secret in the same namespace as the referring object. */
export const localKubeconfigSecretRef = object(
  {
    name: required(string({ description: 'Name of the Secret.', minLength: 1 })),
    key: required(kubeconfigKey),
  },
  { description: 'The Secret (in this namespace) holding the kubeconfig.' },
);

/** A kubeconfig Secret in any namespace. */
export const kubeconfigSecretRef = object(
  {
    name: required(string({ description: 'Name of the Secret.', minLength: 1 })),
    namespace: required(string({ description: 'Namespace of the Secret.', minLength: 1 })),
    key: required(kubeconfigKey),
  },
  { description: 'The Secret holding the kubeconfig.' },
);
