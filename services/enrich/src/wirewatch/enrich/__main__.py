from .main import main

if __name__ == "__main__":  # the NLP child process is spawned and imports this module again
    main()
