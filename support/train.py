"""``python -m support.train``: train the MNIST VGG and store the run (see :mod:`support.training`)."""

from support import quiet

quiet.setup()  # before Keras is imported, so that TensorFlow's start-up lines stay quiet

from support import training  # noqa: E402

if __name__ == "__main__":
    training.main()
