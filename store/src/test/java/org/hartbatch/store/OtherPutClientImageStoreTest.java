package org.hartbatch.store;

import org.hartbatch.store.StoreConfig.PutClient;

/** {@link ImageStoreTest} with the {@link PutClient} that is not the default. */
class OtherPutClientImageStoreTest extends ImageStoreTest {

  @Override
  PutClient putClient() {
    return super.putClient() == PutClient.SDK ? PutClient.SIGNED : PutClient.SDK;
  }
}
