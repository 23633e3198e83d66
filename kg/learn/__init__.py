"""The GNN link predictor: features, tensors, encoders, the split, training, evaluation."""
