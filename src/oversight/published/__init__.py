"""The published stage (``rules/published.smk``): DfE releases, Ofsted inspection reports
and the network's own questions answered from them."""
