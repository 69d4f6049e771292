"""The training options the ``train`` command passes on, from its parsed arguments."""


def training_options(args, optimizer, alpha):
    """Return ``train``'s optimizer and early-stopping keywords from the parsed ``args``.

    ``optimizer`` and ``alpha`` are the defaults when the options are not given.
    """
    options = {"optimizer": args.optimizer or optimizer,
               "alpha": alpha if args.alpha is None else args.alpha,
               "early_stopping": args.early_stopping, "patience": args.patience}
    if args.momentum:
        options["momentum"] = args.momentum
    return options
